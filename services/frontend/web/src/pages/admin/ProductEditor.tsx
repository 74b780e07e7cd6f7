import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/http';
import type { ProductInput } from '../../api/admin';
import { TextField } from '../../components/TextField';
import { formFieldOfApi, parseProductForm, type ProductForm, type ProductFormErrors, type ProductFormField } from '../../state/product-form';

export interface ProductEditorProps {
  title: string;
  initial: ProductForm;
  submitLabel: string;
  /** Saves; a rejected promise with an ApiError puts its field details on the form. */
  onSave: (input: ProductInput) => Promise<void>;
  onCancel: () => void;
  /** Shown above the form, e.g. after a 412 reload. */
  notice?: string | null;
}

const LABELS: Readonly<Record<ProductFormField, string>> = {
  sku: 'SKU',
  name: 'Name',
  description: 'Description',
  category: 'Category (slug)',
  price: 'Price in dollars',
  stock: 'Stock',
  image_url: 'Image URL',
};

export function ProductEditor({ title, initial, submitLabel, onSave, onCancel, notice = null }: ProductEditorProps) {
  const [form, setForm] = useState<ProductForm>(initial);
  const [errors, setErrors] = useState<ProductFormErrors>({});
  const [saving, setSaving] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    setForm(initial);
    setErrors({});
  }, [initial]);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const change = (field: ProductFormField) => (value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
  };

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (saving) {
      return;
    }
    const parsed = parseProductForm(form);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      await onSave(parsed.input);
    } catch (error) {
      if (error instanceof ApiError) {
        const fieldErrors: ProductFormErrors = {};
        for (const d of error.details) {
          const f = formFieldOfApi(d.field);
          if (f && fieldErrors[f] === undefined) {
            fieldErrors[f] = d.message;
          }
        }
        setErrors(fieldErrors);
      }
    } finally {
      setSaving(false);
    }
  };

  const field = (name: ProductFormField, extra: { multiline?: boolean; inputMode?: 'numeric' | 'decimal'; maxLength?: number; hint?: string } = {}) => (
    <TextField
      id={`product-${name}`}
      label={LABELS[name]}
      value={form[name]}
      onChange={change(name)}
      error={errors[name]}
      required={name !== 'description' && name !== 'image_url'}
      {...extra}
    />
  );

  return (
    <section className="editor" aria-labelledby="editor-title">
      <h2 id="editor-title" ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      {notice && (
        <div className="notice notice-info" role="status">
          <p>{notice}</p>
        </div>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate aria-busy={saving}>
        <div className="field-row">
          {field('sku', { maxLength: 64 })}
          {field('category', { maxLength: 50, hint: 'Lowercase, e.g. kitchen' })}
        </div>
        {field('name', { maxLength: 200 })}
        {field('description', { multiline: true, maxLength: 5000 })}
        <div className="field-row">
          {field('price', { inputMode: 'decimal', hint: 'e.g. 18.50' })}
          {field('stock', { inputMode: 'numeric' })}
        </div>
        {field('image_url', { maxLength: 500, hint: 'A path like /images/products/kit-001.svg, or empty' })}
        <p className="actions">
          <button type="submit" className="button" disabled={saving}>
            {saving ? 'Saving…' : submitLabel}
          </button>
          <button type="button" className="button button-secondary" onClick={onCancel}>
            Cancel
          </button>
        </p>
      </form>
    </section>
  );
}
