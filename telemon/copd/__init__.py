"""The COPD programme: its rules (pure), its schedule (pure) and its evaluator, which alerts
calls through the Programme interface (telemon.alerts.programmes)."""
