"""The directory: people, reports, committees and their meetings."""
