import { expect } from '@open-wc/testing';

/**
 * The README is the front page and the reference lives in docs/: the front page stays short, every link between
 * them resolves (files and headings), images work on a registry page, and the performance page quotes no figures
 * (they are in bench/RESULTS.md, from the run that produced them).
 */
const PAGES = [
  'README.md',
  'docs/attributes.md',
  'docs/events.md',
  'docs/markup.md',
  'docs/delivery.md',
  'docs/frameworks.md',
  'docs/styling.md',
  'docs/performance.md',
  'docs/development.md',
  'CHANGELOG.md',
];
const text: Record<string, string> = {};

before(async () => {
  for (const page of PAGES) {
    const response = await fetch(`/${page}`);
    expect(response.ok, page).to.equal(true);
    text[page] = await response.text();
  }
});

/** The markdown outside fenced code blocks. */
const prose = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's anchor for a heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

const anchors = (markdown: string) => new Set([...prose(markdown).matchAll(/^#{1,6} (.*)$/gm)].map((m) => slug(m[1]!)));

function resolve(from: string, link: string): string {
  const base = new URL(`/${from}`, location.origin);
  return new URL(link, base).pathname.slice(1);
}

describe('the README and the docs', () => {
  it('keep the front page short', () => {
    expect(new TextEncoder().encode(text['README.md']).length).to.be.at.most(15 * 1024);
  });

  it('link only to files and headings that exist', async () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      for (const [, link] of prose(text[page]!).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^https?:/.test(link!)) continue;
        const [path, anchor] = link!.split('#');
        const target = path ? resolve(page, path) : page;
        if (!text[target]) {
          const exists = (await (await fetch(`/__exists?file=${encodeURIComponent(target)}`)).json()) as boolean;
          if (!exists) broken.push(`${page}: ${link} (no ${target})`);
          continue;
        }
        if (anchor && !anchors(text[target]!).has(anchor)) broken.push(`${page}: ${link} (no heading #${anchor})`);
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it('show images by absolute URLs of the repository, which a registry page can load', async () => {
    const { repository } = (await (await fetch('/package.json')).json()) as { repository: { url: string } };
    const home = repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    const raw = `${home.replace('https://github.com/', 'https://raw.githubusercontent.com/')}/main/`;
    const images = PAGES.flatMap((page) =>
      [...prose(text[page]!).matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!),
    );
    expect(images).to.not.be.empty;
    for (const image of images) {
      expect(image.startsWith(raw), image).to.equal(true);
      const exists = (await (await fetch(`/__exists?file=${image.slice(raw.length)}`)).json()) as boolean;
      expect(exists, `${image} is in the repository`).to.equal(true);
    }
  });

  it('link the benchmark figures instead of copying them', () => {
    const performance = prose(text['docs/performance.md']!);
    expect(performance).to.contain('bench/RESULTS.md');
    // Measured figures look like 4.60 µs, 2.07× or 29.8 ms; targets and settings (2×, 50 ms) are whole numbers.
    const measured = /(?<!±)\d+\.\d+\s*(µs|ms\b|×)|\d\s*µs/;
    expect(performance).to.not.match(measured);
    expect(prose(text['README.md']!)).to.not.match(measured);
  });

  it('show the framework snippets exactly as the files the framework tests run', async () => {
    const snippets = [
      'test/frameworks/snippets/Softphone.tsx',
      'test/frameworks/snippets/vite.config.ts',
      'test/frameworks/snippets/Softphone.vue',
      'test/frameworks/snippets/softphone.component.ts',
    ];
    const blocks = [...text['docs/frameworks.md']!.matchAll(/^```\w*\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
    for (const file of snippets) {
      const source = await (await fetch(`/__source?file=${file}`)).text();
      expect(blocks, `docs/frameworks.md shows ${file} as it is`).to.include(source);
    }
  });
});
