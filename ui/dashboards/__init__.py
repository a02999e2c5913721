"""The provider's and the staff's dashboards."""
