/** The partner corpus of widget.spec.ts (its "corpus-b"), built by prepare.ts. */
export const PARTNER_TITLE = 'Partner bulletin: the harbour ferry timetable changes';

export const PARTNER_CORPUS = {
  title: 'Partner news',
  articles: [
    {
      id: 'partner-1',
      title: PARTNER_TITLE,
      date: '2025-03-01',
      category: 'Partners',
      lang: 'en',
      body: ['Ferries leave every twenty minutes from March.'],
    },
    {
      id: 'partner-2',
      title: 'Partner bulletin: new opening hours at the market hall',
      date: '2025-03-08',
      category: 'Partners',
      lang: 'en',
      body: ['The market hall opens at seven.'],
    },
  ],
};
