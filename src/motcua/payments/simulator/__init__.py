"""A VNPay 2.1.0 gateway simulator for development and tests: its own process, its own port,
its state in memory, never the project's database. Every page says it is a sandbox."""
