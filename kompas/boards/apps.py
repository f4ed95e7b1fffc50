from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "kompas.boards"
    label = "boards"
    verbose_name = "Boards"
