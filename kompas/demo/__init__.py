"""Demo and synthetic data: it reads and writes every other app, so it sits above them all."""
