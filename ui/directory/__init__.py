"""The directory page: search, filters, the table, the administrators' actions, CSV export and roster import."""
