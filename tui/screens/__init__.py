"""The desk's screens: dashboard, client, incident, queue, help."""
