"""Views of one provider that the features share: fields, form, detail, editor, table model and view, license card."""
