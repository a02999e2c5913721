"""Appointments: a provider's bookings with patients (name and a contact only, never clinical fields)."""
