"""The coverage matrix: every kernel series Debian's archive offers, by every driver."""
