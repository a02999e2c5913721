"""The demo's people: first names (by the gender the seed draws) and last names, from many origins."""
from __future__ import annotations


def words(text: str) -> tuple[str, ...]:
    """Comma-separated entries (names may hold spaces), without repeats."""
    return tuple(dict.fromkeys(w.strip() for w in text.replace("\n", ",").split(",") if w.strip()))


def table(text: str) -> tuple[tuple[str, ...], ...]:
    """One row a line, its cells separated by "|"."""
    return tuple(tuple(cell.strip() for cell in line.split("|")) for line in text.strip().splitlines())


FEMALE_NAMES = words("""
Olivia, Emma, Charlotte, Amelia, Sophia, Isabella, Ava, Mia, Evelyn, Harper, Abigail, Emily, Elizabeth,
Madison, Avery, Ella, Scarlett, Grace, Chloe, Victoria, Riley, Aria, Lily, Hannah, Zoe, Nora, Eleanor,
Hazel, Aurora, Savannah, Audrey, Claire, Lucy, Anna, Caroline, Naomi, Ruby, Alice, Sarah, Rachel,
Rebecca, Laura, Megan, Jessica, Jennifer, Michelle, Stephanie, Nicole, Katherine, Margaret, Patricia,
Linda, Barbara, Susan, Karen, Nancy, Lisa, Deborah, Sandra, Donna, Angela, Melissa, Amanda, Heather,
Christina, Kimberly, Andrea, Monica, Diana, Teresa, Julia, Natalie, Vanessa, Erin, Molly, Kathleen,
Siobhan, Aoife, Fiona, Ingrid, Astrid, Freya, Sigrid, Greta, Katarzyna, Agnieszka, Olga, Irina,
Svetlana, Tatiana, Anastasia, Natalia, Elena, Ana, María, Lucía, Carmen, Guadalupe, Valentina, Camila,
Daniela, Gabriela, Mariana, Ximena, Fernanda, Paola, Alejandra, Beatriz, Inês, Francesca, Giulia,
Chiara, Alessandra, Sophie, Camille, Léa, Manon, Amélie, Anneke, Saskia, Priya, Ananya, Aishwarya,
Deepika, Kavya, Lakshmi, Meera, Neha, Pooja, Sunita, Divya, Shreya, Fatima, Aisha, Layla, Mariam, Noor,
Yasmin, Zainab, Leila, Samira, Amira, Rania, Mei, Xiu, Jing, Yan, Hui, Ling, Xin, Yuki, Haruka, Sakura,
Aiko, Emi, Hana, Ji-woo, Seo-yeon, Min-ji, Eun-ji, Linh, Thu, Lan, Hoa, Ngoc, Trang, Chiamaka, Ngozi,
Amara, Adaeze, Folake, Abena, Akosua, Zuri, Wanjiru, Nia, Imani, Aaliyah, Keisha, Jasmine, Maya,
Leilani, Malia, Kalani, Rivka, Miriam, Tova, Shira, Esther, Zeynep, Elif, Ayşe, Defne, Selin, Parisa,
Shirin, Niloufar, Roya, Dilnoza, Gulnara
""")
MALE_NAMES = words("""
Liam, Noah, Oliver, James, Elijah, William, Henry, Lucas, Benjamin, Theodore, Jack, Levi, Alexander,
Mason, Michael, Daniel, Matthew, Samuel, David, Joseph, John, Robert, Thomas, Charles, Christopher,
Andrew, Joshua, Ryan, Nathan, Brandon, Kevin, Brian, Jason, Eric, Steven, Timothy, Patrick, Sean,
Connor, Owen, Caleb, Isaac, Gabriel, Adam, Aaron, Ethan, Jacob, Dylan, Tyler, Gregory, Raymond, Walter,
Peter, Paul, Mark, Frank, George, Edward, Declan, Cormac, Eoin, Ciarán, Lars, Erik, Magnus, Anders,
Søren, Henrik, Piotr, Tomasz, Krzysztof, Jakub, Dmitri, Sergei, Ivan, Alexei, Mikhail, Nikolai, José,
Juan, Carlos, Luis, Miguel, Alejandro, Diego, Javier, Mateo, Santiago, Andrés, Rafael, Fernando,
Ricardo, Eduardo, João, Pedro, Tiago, Marco, Luca, Giovanni, Matteo, Lorenzo, Pierre, Julien, Étienne,
Mathieu, Antoine, Pieter, Arjun, Rohan, Vikram, Rahul, Aditya, Sanjay, Rajesh, Anil, Karthik, Sunil,
Amit, Nikhil, Mohammed, Ahmed, Omar, Ali, Hassan, Youssef, Karim, Tariq, Khalid, Bilal, Hamza, Wei,
Jun, Hao, Ming, Lei, Jian, Tao, Kenji, Hiroshi, Takeshi, Haruto, Ren, Daichi, Min-jun, Seo-jun,
Ji-hoon, Hyun-woo, Minh, Duc, Quang, Tuan, Hieu, Bao, Chinedu, Emeka, Obinna, Tunde, Kwame, Kofi, Yaw,
Jabari, Tendai, Themba, Sipho, Malik, Darnell, Jamal, DeShawn, Andre, Marcus, Terrence, Kai, Keoni,
Makoa, Avi, Eitan, Noam, Yosef, Ari, Emre, Mehmet, Burak, Dariush, Reza, Arash, Farid, Timur, Rustam
""")
LAST_NAMES = words("""
Smith, Johnson, Williams, Brown, Jones, Garcia, Miller, Davis, Rodriguez, Martinez, Hernandez, Lopez,
Gonzalez, Wilson, Anderson, Thomas, Taylor, Moore, Jackson, Martin, Lee, Perez, Thompson, White, Harris,
Sanchez, Clark, Ramirez, Lewis, Robinson, Walker, Young, Allen, King, Wright, Scott, Torres, Nguyen,
Hill, Flores, Green, Adams, Nelson, Baker, Hall, Rivera, Campbell, Mitchell, Carter, Roberts, Gomez,
Phillips, Evans, Turner, Diaz, Parker, Cruz, Edwards, Collins, Reyes, Stewart, Morris, Morales, Murphy,
Cook, Rogers, Gutierrez, Ortiz, Morgan, Cooper, Peterson, Bailey, Reed, Kelly, Howard, Ramos, Kim, Cox,
Ward, Richardson, Watson, Brooks, Chavez, Wood, Bennett, Gray, Mendoza, Ruiz, Hughes, Price, Alvarez,
Castillo, Sanders, Patel, Myers, Long, Ross, Foster, Jimenez, Powell, Jenkins, Perry, Russell,
Sullivan, Bell, Coleman, Butler, Henderson, Barnes, Fisher, Vasquez, Simmons, Romero, Jordan,
Patterson, Hamilton, Graham, Reynolds, Griffin, Wallace, Moreno, West, Cole, Hayes, Bryant, Herrera,
Gibson, Ellis, Tran, Medina, Aguilar, Stevens, Murray, Ford, Castro, Marshall, Owens, Harrison,
Fernandez, McDonald, Woods, Washington, Kennedy, Wells, Vargas, Chen, Freeman, Webb, Tucker, Guzman,
Burns, Crawford, Olson, Simpson, Porter, Hunter, Gordon, Mendez, Silva, Shaw, Snyder, Dixon, Muñoz,
Holmes, Palmer, Wagner, Black, Robertson, Boyd, Stone, Salazar, Fox, Warren, Mills, Meyer, Rice,
Schmidt, Garza, Daniels, Ferguson, Nichols, Soto, Weaver, Gardner, Payne, Grant, Dunn, Spencer,
Hawkins, Arnold, Pierce, Hansen, Peters, Santos, Hart, Bradley, Knight, Elliott, Cunningham, Duncan,
Armstrong, Hudson, Carroll, Lane, Andrews, Alvarado, Delgado, Berry, Perkins, Hoffman, Johnston,
Matthews, Peña, Richards, Contreras, Willis, Carpenter, Lawrence, Sandoval, O'Brien, O'Connor,
O'Neill, McCarthy, Gallagher, Byrne, Kowalski, Nowak, Wiśniewski, Lewandowski, Zieliński, Ivanov,
Petrov, Smirnov, Volkov, Kuznetsov, Popescu, Horvath, Novak, Müller, Schneider, Fischer, Weber,
Becker, Lindqvist, Johansson, Andersson, Nilsson, Larsen, Jensen, Virtanen, Rossi, Russo, Ferrari,
Esposito, Bianchi, Romano, Colombo, Ricci, Moreau, Dubois, Laurent, Lefebvre, Fontaine, Dupont,
De Jong, Van Dijk, Janssen, Singh, Sharma, Gupta, Kumar, Reddy, Iyer, Nair, Rao, Mehta, Desai, Shah,
Chopra, Kapoor, Banerjee, Chatterjee, Mukherjee, Das, Khan, Ahmed, Hussain, Rahman, Haddad, Nasser,
Khoury, Saleh, Mansour, Farah, Abdullah, Karimi, Tehrani, Wang, Li, Zhang, Liu, Yang, Huang, Zhao, Wu,
Zhou, Xu, Sun, Ma, Zhu, Hu, Guo, Lin, Gao, Luo, Tanaka, Suzuki, Takahashi, Watanabe, Ito, Yamamoto,
Nakamura, Kobayashi, Sato, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Pham, Le, Hoang, Huynh, Vo,
Dang, Bui, Ngo, Duong, Bautista, Dela Cruz, Okafor, Okonkwo, Adeyemi, Nwosu, Eze, Mensah, Boateng,
Asante, Owusu, Diallo, Traoré, Kamara, Mwangi, Otieno, Tesfaye, Haile, Bekele, Abebe, Nkosi, Dlamini,
Cohen, Levi, Friedman, Katz, Goldberg, Shapiro, Rosenberg, Yilmaz, Kaya, Demir, Şahin, Çelik,
Kahananui, Akana, Begay, Yazzie, Tsosie, Oliveira, Souza, Costa, Pereira, Almeida, Ferreira, Gomes
""")
