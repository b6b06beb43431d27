{% extends "base.tpl" %}
<flat-profile><A>{{ x }}</A></flat-profile>
