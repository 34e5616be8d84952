"""The drivers over pipeline.build: the command line, batches, watch mode, the press process."""
