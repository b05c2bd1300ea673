"""Forms of the login, re-authentication and TOTP pages."""

from __future__ import annotations

from django import forms


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(
        max_length=256, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = forms.CharField(
        label="Authenticator code (if you use one)",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ReauthForm(forms.Form):
    password = forms.CharField(
        max_length=256, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = forms.CharField(label="Authenticator code (if you use one)", max_length=10, required=False)


class CodeForm(forms.Form):
    code = forms.CharField(label="6-digit code", max_length=10)
