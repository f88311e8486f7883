"""The callback listener: the HTTP server that receives delivery receipts and replies."""
