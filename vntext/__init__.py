"""Vietnamese text tools shared by ingestion and question analysis: normalising, places,
organisations, figures, periods, metrics and domain concepts. Nothing here reads the index."""
