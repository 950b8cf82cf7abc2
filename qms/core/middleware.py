from django.utils import translation


class UserLanguageMiddleware:
    """Speak the signed-in user's preferred language unless they picked another one for this session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = request.COOKIES.get("django_language")
        if user is not None and user.is_authenticated and not chosen and getattr(user, "language", ""):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
