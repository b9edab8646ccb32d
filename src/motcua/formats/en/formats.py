# English pages keep the Vietnamese date order (26/05/2020, 09:30 26/05/2020): the dates a
# citizen reads in English are the same dates as on the Vietnamese papers, written the same way,
# so no page mixes 12/07/2026 (month first) with 28/12/2026 (day first). Numbers keep English
# separators: 1,425 procedures.
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
