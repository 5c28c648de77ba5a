"""Danish for the pages of issue 14 (reliability and security): the page shown while the
database cannot be reached."""

DA = {
    "Temporarily unavailable": "Midlertidigt utilgængelig",
    "telemon cannot reach its database just now. Please try again in a minute.": "telemon kan ikke nå sin database lige nu. Prøv igen om et minut.",
    "Try again": "Prøv igen",
}
