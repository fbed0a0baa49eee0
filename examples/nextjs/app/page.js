// The page is a server component; the sign-in UI inside it runs in the browser (account.js, 'use client').
import Account from './account';

export default function Home() {
  return (
    <main>
      <h1>cognito-fetch · Next.js</h1>
      <Account />
    </main>
  );
}
