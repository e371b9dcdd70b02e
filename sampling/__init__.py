"""Pure sampling package: identifiers, list files, sample size, allocation, draw,
weights and estimation. Imports neither Textual nor the database layer."""
