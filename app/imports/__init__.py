"""Imports: batches of files, URLs and feed entries turned into articles by background jobs."""
