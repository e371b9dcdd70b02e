"""Importing departments' list files and work orders into the frame."""
