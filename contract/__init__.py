"""The API's vocabulary that the desktop and the server both read: its choice lists, the seed's validation words."""
