from django import template

from notifications.kinds import message_for

register = template.Library()


@register.filter
def message(notification):
    """The notification's title, lines and link label in the active language."""
    return message_for(notification)
