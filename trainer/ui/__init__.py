"""The Textual user interface: thin screens over the services."""
