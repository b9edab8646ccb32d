"""The connection with the national public service portal: dossiers taken in from it, every
change sent back through an outbox, and the page that shows the six connections' state."""
