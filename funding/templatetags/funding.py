from django import template

from renewal import policy

register = template.Library()


@register.filter
def is_funding_officer(user) -> bool:
    """For the navigation: does this user review funding applications?"""
    return policy.is_funding_officer(user)
