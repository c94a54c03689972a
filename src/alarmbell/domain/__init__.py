"""Pure domain objects and vocabulary. Imports nothing else of alarmbell's."""
