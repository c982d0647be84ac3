"""actnet's services: everything but the web layer. Nothing here imports Flask."""
