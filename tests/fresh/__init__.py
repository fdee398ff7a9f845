"""Fresh Debian roots: what a new user of Debian 12 or 13 has, built with debootstrap."""
