import { type FormEvent, useId, useState } from 'react';
import { useTags } from '../api/queries/tags.ts';

export interface TagEditorProps {
  tags: readonly string[];
  onAdd: (name: string) => void;
  onRemove: (name: string) => void;
  readOnly?: boolean;
}

/** The ticket's tags as removable chips, and a field to add one (existing names suggested; new ones allowed). */
export function TagEditor({ tags, onAdd, onRemove, readOnly = false }: TagEditorProps) {
  const known = useTags().data ?? [];
  const [name, setName] = useState('');
  const listId = useId();
  const [problem, setProblem] = useState<string | null>(null);

  function add(event: FormEvent) {
    event.preventDefault();
    const tag = name.trim().toLowerCase();
    if (!tag) return;
    if (tag.includes(',')) return setProblem('A tag cannot contain a comma.');
    if (tag.length > 50) return setProblem('A tag is at most 50 characters.');
    setProblem(null);
    setName('');
    if (!tags.includes(tag)) onAdd(tag);
  }

  return (
    <div className="tag-editor">
      <ul className="tag-list" aria-labelledby="tags-label">
        {tags.map((tag) => (
          <li key={tag} className="tag-chip removable">
            {tag}
            {readOnly ? null : (
              <button type="button" aria-label={`Remove tag ${tag}`} onClick={() => onRemove(tag)}>
                ×
              </button>
            )}
          </li>
        ))}
        {tags.length === 0 ? <li className="muted small">No tags</li> : null}
      </ul>
      {readOnly ? null : (
      <form onSubmit={add} className="tag-add">
        <input
          aria-label="Add a tag"
          placeholder="Add tag…"
          list={listId}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <datalist id={listId}>
          {known
            .filter((t) => !tags.includes(t.name))
            .map((t) => (
              <option key={t.id} value={t.name} />
            ))}
        </datalist>
      </form>
      )}
      {problem ? <p className="error small">{problem}</p> : null}
    </div>
  );
}
