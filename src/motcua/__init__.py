"""Motcua: online public services and the electronic one-stop back office."""
