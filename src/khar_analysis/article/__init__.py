"""article."""
