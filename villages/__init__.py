"""Desa Binaan villages, their partners, yearly figures and outreach activities."""
