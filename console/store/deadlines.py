"""How long a caller waits for the shared store's server to answer before it takes the
server for out of reach (a hung server, or its network gone, answers nothing: without a
limit a call waits as long as it hangs). The SQLite store does not wait on a server."""

# A window's own calls run on its thread, which freezes meanwhile.
WINDOW = 5.0
# A reader on a thread of its own (the log's searches, the receivers' heartbeats): a
# search of a big log may rightly take a while.
READER = 30.0
HEARTBEATS = 5.0
# A receiver's batch of callbacks: the provider is answered 503 when it runs out, and
# sends the callbacks again later.
RECEIVER = 5.0
