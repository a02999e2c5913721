"""What every part of the UI uses: the task runner, notifications and the error presenter, the theme."""
