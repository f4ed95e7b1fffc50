"""A board's complete export, its validation and its restore: reads every board-owned app."""
