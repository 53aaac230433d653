"""Agreement reserves (协议储备): supplies enterprises hold for the district under contract."""
