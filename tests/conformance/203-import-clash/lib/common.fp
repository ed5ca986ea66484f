const DUST_LIMIT = 30
