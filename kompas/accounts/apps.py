from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kompas.accounts"
    label = "accounts"
    verbose_name = "Accounts"
