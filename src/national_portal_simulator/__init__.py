"""A simulator of the national public service portal (Cổng Dịch vụ công quốc gia) for
development and tests: its own process, the Python standard library only, its state in memory.

It never imports the project: it checks what a province's system sends it as the national
portal would (the schema, each dossier's messages in order, gaps refused), keeps what it took,
hands dossiers submitted "on the national portal" to the province (pushed to its intake
endpoint or pulled), and can be made slow, failing or down from its control port.
"""
