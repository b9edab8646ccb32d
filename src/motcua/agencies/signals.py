from django.dispatch import Signal

# Sent after agencies were merged; receivers move what belongs to the ended agencies.
# Arguments: sources (list of Agency), successor (Agency), effective (date).
agencies_merged = Signal()
