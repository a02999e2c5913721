"""The credentialing worklist: queues, the review pane with the document, decisions, alerts, audit exports."""
