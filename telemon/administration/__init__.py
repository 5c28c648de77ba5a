"""Installation-wide administration: public holidays and the audit trail viewer's queries."""
