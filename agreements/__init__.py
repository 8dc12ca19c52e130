"""Cooperation agreements (PKS/MoU), their parties and scopes, and the sharing policy."""
