"""SMS Operator Console: send SMS/MMS through the Genesys SMS aggregation API and follow them."""
