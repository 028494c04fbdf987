"""One module per command: orchestration between readers, core and renderers; nothing prints."""
