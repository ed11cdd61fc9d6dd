import { csvFields } from '../../../common/rules/imports.ts';
import type { ImportFile } from '../api/types.ts';
import { type ColumnMapping, fieldLabels } from './csvMapping.ts';

/** Which column holds each field, chosen from the uploaded file's header, with its first rows. */
export function CsvMappingFields({
  file,
  mapping,
  onChange,
  dateFormat,
  onDateFormat,
  timezone,
  onTimezone,
  statusWords,
  onStatusWords,
  priorityWords,
  onPriorityWords,
}: {
  file: ImportFile;
  mapping: ColumnMapping;
  onChange: (mapping: ColumnMapping) => void;
  dateFormat: string;
  onDateFormat: (value: string) => void;
  timezone: string;
  onTimezone: (value: string) => void;
  statusWords: string;
  onStatusWords: (value: string) => void;
  priorityWords: string;
  onPriorityWords: (value: string) => void;
}) {
  return (
    <fieldset className="im-mapping">
      <legend>Columns</legend>
      <p className="muted small">
        {file.name}: {file.headers.length} columns, {(file.bytes / 1024).toFixed(1)} KB. Map each field to a column; with a message column,
        consecutive rows of one ticket id become its messages. Statuses like new, open, pending, solved and closed, and priorities like low,
        normal, high and urgent are understood; name the others below.
      </p>
      <div className="im-mapping-grid">
        {csvFields.map((field) => (
          <div key={field} className="im-mapping-row">
            <label htmlFor={`im-map-${field}`}>{fieldLabels[field]}</label>
            <select
              id={`im-map-${field}`}
              value={mapping[field] ?? ''}
              onChange={(e) => {
                const next = { ...mapping };
                if (e.target.value) next[field] = e.target.value;
                else delete next[field];
                onChange(next);
              }}
            >
              <option value="">—</option>
              {file.headers.map((h) => (
                <option key={h} value={h}>
                  {h}
                </option>
              ))}
            </select>
          </div>
        ))}
        <div className="im-mapping-row">
          <label htmlFor="im-date-format">Date format</label>
          <input id="im-date-format" value={dateFormat} placeholder="ISO 8601, or e.g. DD.MM.YYYY HH:mm" onChange={(e) => onDateFormat(e.target.value)} />
        </div>
        <div className="im-mapping-row">
          <label htmlFor="im-timezone">Time zone of the dates</label>
          <input id="im-timezone" value={timezone} placeholder="UTC, or e.g. +01:00" onChange={(e) => onTimezone(e.target.value)} />
        </div>
        <div className="im-mapping-row">
          <label htmlFor="im-status-words">Other status words</label>
          <input id="im-status-words" value={statusWords} placeholder="Waiting for customer = pending; Escalated = open" onChange={(e) => onStatusWords(e.target.value)} />
        </div>
        <div className="im-mapping-row">
          <label htmlFor="im-priority-words">Other priority words</label>
          <input id="im-priority-words" value={priorityWords} placeholder="Highest = urgent; Trivial = low" onChange={(e) => onPriorityWords(e.target.value)} />
        </div>
      </div>
      {file.sample.length > 0 ? (
        <div className="im-sample">
          <table>
            <caption className="muted small">The first rows</caption>
            <thead>
              <tr>
                {file.headers.map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {file.sample.slice(0, 3).map((row, i) => (
                <tr key={i}>
                  {file.headers.map((h, j) => (
                    <td key={h}>{(row[j] ?? '').slice(0, 60)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </fieldset>
  );
}
