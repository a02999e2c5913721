"""The Appointments page: a provider's day and week; booking, new times and cancellations for administrators."""
