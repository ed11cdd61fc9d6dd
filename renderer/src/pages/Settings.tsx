export function Settings({ section }: { section?: string }) {
  return <h1>Settings {section}</h1>;
}
