"""Shelters: the register, capacity and occupancy, check-in and check-out, the QR code and its public page."""
